// Reports one error and one message with rollbar.js (Node) to a Faultline server.
// Usage: node report.cjs <endpoint> <token> [platform]; prints one JSON line per answer.
const Rollbar = require('rollbar');

const [endpoint, accessToken, platform] = process.argv.slice(2);
const rollbar = new Rollbar({
  accessToken,
  endpoint,
  environment: 'node-tests',
  codeVersion: '9.9.9',
  captureUncaught: false,
  captureUnhandledRejections: false,
  payload: platform ? { platform } : {},
});

function send(report) {
  return new Promise((resolve) => report((err, response) => resolve({ err: err ? String(err) : null, response })));
}

function failingCall() {
  return JSON.parse('{not json');
}

(async () => {
  let error;
  try {
    failingCall();
  } catch (e) {
    error = e;
  }
  const answers = [
    await send((done) => rollbar.error(error, { order_id: 17 }, done)),
    await send((done) => rollbar.warning('disk almost full', done)),
  ];
  for (const answer of answers) {
    process.stdout.write(JSON.stringify(answer) + '\n');
  }
})();
