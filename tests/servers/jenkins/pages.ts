/**
 * The HTML pages the fake Jenkins answers with, as Jenkins (on Jetty) writes them.
 *
 * @module
 */

/** The `Server` header. */
export const JETTY = "Jetty(12.0.16)";

/** Jetty's error page. */
export function jettyError(status: number, reason: string, uri: string): string {
  const escape = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  return `<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html;charset=ISO-8859-1"/>\n` +
    `<title>Error ${status} ${escape(reason)}</title>\n</head>\n<body>\n` +
    `<h2>HTTP ERROR ${status} ${escape(reason)}</h2>\n<table>\n` +
    `<tr><th>URI:</th><td>${escape(uri)}</td></tr>\n<tr><th>STATUS:</th><td>${status}</td></tr>\n` +
    `<tr><th>MESSAGE:</th><td>${
      escape(reason)
    }</td></tr>\n<tr><th>SERVLET:</th><td>Stapler</td></tr>\n` +
    `</table>\n<hr/><a href="https://jetty.org/">Powered by Jetty:// 12.0.16</a><hr/>\n\n</body>\n</html>\n`;
}

/** The page an anonymous reader gets when anonymous read is off. */
export function loginRedirect(context: string, from: string): string {
  const target = `${context}/login?from=${encodeURIComponent(from)}`;
  return `<html><head><meta http-equiv='refresh' content='1;url=${target}'/>` +
    `<script id='redirect' data-redirect-url='${target}' src='${context}/static/a1b2c3d4/scripts/redirect.js'></script>` +
    `</head><body style='background-color:white; color:white;'>\n\nAuthentication required\n<!--\n-->\n\n</body></html>`;
}

/** Jenkins' "Oops!" page (a 500). */
export function oops(context: string): string {
  return `<!DOCTYPE html><html><head><title>Jenkins</title>` +
    `<link rel="stylesheet" href="${context}/static/a1b2c3d4/jsbundles/styles.css"></head>` +
    `<body><div id="main-panel"><h1>Oops!</h1>` +
    `<p>A problem occurred while processing the request.</p></div></body></html>`;
}

/** The page of an action that was not POSTed. */
export function requiresPost(context: string, uri: string): string {
  return `<!DOCTYPE html><html><head><title>Jenkins</title></head><body>` +
    `<div id="main-panel"><h1>This URL requires POST</h1>` +
    `<p>The URL you're trying to access requires that requests be sent using POST ` +
    `(like a form submission).</p><form method="post" action="${context}${uri}">` +
    `<input type="submit" value="Proceed"/></form></div></body></html>`;
}
