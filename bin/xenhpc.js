#!/usr/bin/env node
// The xenhpc command: a committed, executable launcher for the compiled CLI (npm install builds dist/).
import "../dist/src/cli/main.js";
