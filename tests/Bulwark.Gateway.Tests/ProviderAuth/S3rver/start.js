// Starts the S3-compatible server the provider auth tests sign for: on 127.0.0.1, a port the system picks, in the
// given directory, with one bucket. Its only account is S3RVER / S3RVER; every request's signature is checked.
// Prints "listening <port>" once it accepts connections; stops when its standard input closes (the test ended).
const S3rver = require('@20minutes/s3rver');

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({
  directory,
  address: '127.0.0.1',
  port: 0,
  silent: true,
  configureBuckets: [{ name: bucket, configs: [] }],
});

server.run().then(
  ({ port }) => console.log(`listening ${port}`),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
