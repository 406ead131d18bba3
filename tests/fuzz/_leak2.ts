for (let i = 0; i <= 600; i++) {
  const s = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => new Response("ok"));
  for (let k = 0; k < 5; k++) await (await fetch(`http://127.0.0.1:${s.addr.port}/x`)).text();
  await s.shutdown();
  if (i % 100 === 0) {
    const m = Deno.memoryUsage();
    console.log(i, "rss", Math.round(m.rss / 1e6), "heapUsed", Math.round(m.heapUsed / 1e6));
  }
}
