import { defineTool, z } from '@toolhost/core';
import { hubService } from '../service';

const output = z.object({
  name: z.string(),
  type: z.enum(['user', 'org', 'app']),
  fullname: z.string().optional(),
  isPro: z.boolean().optional(),
  orgs: z.array(z.string()),
  tokenName: z.string().optional(),
  tokenRole: z.string().optional(),
  url: z.string(),
});

export const hfWhoami = defineTool({
  name: 'hf_whoami',
  title: 'Hugging Face identity',
  description:
    'Show which Hugging Face account the current token belongs to: user name, organizations, plan and token role. Use it to check that the connection is authenticated.',
  input: z.object({}),
  output,
  annotations: { readOnly: true, openWorld: true, idempotent: true },
  cost: 1,
  services: { hub: hubService },
  async handler(_input, ctx) {
    const me = await ctx.services.hub.whoAmI(ctx);
    const auth = (me as { auth?: { accessToken?: { displayName?: string; role?: string } } }).auth;
    return {
      name: me.name,
      type: me.type,
      ...('fullname' in me && { fullname: me.fullname }),
      ...('isPro' in me && { isPro: me.isPro }),
      orgs: 'orgs' in me ? me.orgs.map((org) => org.name) : [],
      ...(auth?.accessToken?.displayName && { tokenName: auth.accessToken.displayName }),
      ...(auth?.accessToken?.role && { tokenRole: auth.accessToken.role }),
      url: ctx.services.hub.repoUrl(me.name),
    };
  },
  render: (me) =>
    [
      `You are **[${me.name}](${me.url})**${me.fullname ? ` (${me.fullname})` : ''} on the Hugging Face Hub.`,
      '',
      `- Account type: ${me.type}${me.isPro ? ' (PRO)' : ''}`,
      `- Organizations: ${me.orgs.length > 0 ? me.orgs.join(', ') : 'none'}`,
      ...(me.tokenName ? [`- Token: ${me.tokenName}${me.tokenRole ? ` (${me.tokenRole})` : ''}`] : []),
    ].join('\n'),
});
