/** Stylesheets imported for their side effect: the build bundles them into the page's CSS. */
declare module '*.css';
