// A trivial extension server in Node (one of the languages Kiket extensions are written in):
// answers every request with {"ok":true} once its body has arrived. Prints "PORT <n>".
import http from 'node:http';

const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end('{"ok":true}');
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
