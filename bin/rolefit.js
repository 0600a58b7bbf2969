#!/usr/bin/env node
// CommonJS (bin/package.json): no ES-module loader on the way to the bundle.
require("../dist/launch.js");
