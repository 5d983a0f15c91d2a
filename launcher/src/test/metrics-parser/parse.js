// Reads a Prometheus text-format scrape on stdin and prints what parse-prometheus-text-format makes of it, as JSON
// (the prom2json shape: [{name, help, type, metrics: [{labels, value} | {labels, buckets, count, sum}]}]).
// A malformed scrape makes the parser throw: exit 1 with its message.
const parse = require('parse-prometheus-text-format');
let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { text += chunk; });
process.stdin.on('end', () => {
  try {
    process.stdout.write(JSON.stringify(parse(text)));
  } catch (e) {
    process.stderr.write('parse-prometheus-text-format: ' + e.message + '\n');
    process.exit(1);
  }
});
