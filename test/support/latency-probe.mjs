// A separate process that asks `GET /` of a server every 50 ms and reports the slowest answer: its own
// timing is not delayed by the load the test process generates. Stops when its stdin closes.
const url = process.argv[2];
let slowest = 0;
let probes = 0;
const slow = [];
const t0 = performance.now();
let stopped = false;
process.stdin.on('end', () => {
  stopped = true;
});
process.stdin.resume();
// The first request of a process loads its HTTP client and opens the connection: not the server's time.
await (await fetch(`${url}/`)).arrayBuffer();
while (!stopped) {
  const began = performance.now();
  const response = await fetch(`${url}/`);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET / answered ${response.status}`);
  const ms = performance.now() - began;
  if (ms > 60) slow.push([Math.round(began - t0), Math.round(ms)]);
  slowest = Math.max(slowest, ms);
  probes++;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
process.stdout.write(`${JSON.stringify({ slowest, probes, slow })}\n`);
