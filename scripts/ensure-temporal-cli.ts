import { ensureTemporalCli } from '../src/devserver/temporal-cli';

ensureTemporalCli()
  .then((path) => console.log(path))
  .catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
