const s = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => new Response("x".repeat(20000)));
const mode = Deno.args[0];
for (let i = 0; i <= 2000; i++) {
  const init: RequestInit = {};
  if (mode === "timeout") init.signal = AbortSignal.timeout(15000);
  if (mode === "any") init.signal = AbortSignal.any([new AbortController().signal, AbortSignal.timeout(15000)]);
  if (mode === "cleared") { const c = new AbortController(); const t = setTimeout(() => c.abort(), 15000); init.signal = c.signal; const r = await fetch(`http://127.0.0.1:${s.addr.port}/`, init); await r.text(); clearTimeout(t); }
  else await (await fetch(`http://127.0.0.1:${s.addr.port}/`, init)).text();
  if (i % 500 === 0) console.log(mode, i, Math.round(Deno.memoryUsage().rss / 1e6), Math.round(Deno.memoryUsage().heapUsed / 1e6));
}
await s.shutdown();
Deno.exit(0);
