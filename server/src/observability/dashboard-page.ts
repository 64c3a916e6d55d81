/**
 * Shown instead of the dashboard without the admin token: a form that keeps the
 * token in a same-site cookie. (The dashboard itself is a console page: see
 * `console/pages.ts` and `server/web/dashboard.ts`.)
 */
export const SIGN_IN_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Toolhost dashboard — sign in</title>
<style>body { font: 14px system-ui, sans-serif; margin: 2rem; } input { width: min(24rem, 100%); }</style></head>
<body>
<h1>Toolhost dashboard</h1>
<p>This server is not bound to localhost: the dashboard needs the admin token (TOOLHOST_ADMIN_TOKEN).</p>
<form id="f"><label for="t">Admin token</label><br><input id="t" type="password" autocomplete="off" placeholder="admin token"> <button>Open</button></form>
<script>
document.getElementById('f').addEventListener('submit', (event) => {
  event.preventDefault();
  document.cookie = 'toolhost_admin=' + encodeURIComponent(document.getElementById('t').value) + '; path=/; SameSite=Strict';
  location.reload();
});
</script>
</body>
</html>
`;
