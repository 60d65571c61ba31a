// The practical limit of this machine: a bare node:http server answering every POST with fixed bytes.
import { readFileSync } from 'node:fs';
import { listen } from '../../lib/http/listen.js';

const body = readFileSync(process.argv[2]);
const server = await listen(async (req, res) => {
  for await (const _ of req) {
    // drain the request body, as any server must
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
}, { port: Number(process.argv[3] ?? 0) });
console.log(`READY ${server.url}`);
