// Loaded once per mocha process (.mocharc.json `require`): installs the offline engine before any
// test imports a program, so every test shares one set of mocks.
import { offline } from "./engine";

offline.install();

// The Pulumi SDK captures a full stack trace for every resource it registers; mapping each one
// through source maps roughly doubles the time of a test that registers a stack. Failures
// then point at transpiled columns (lines stay close); TDP_SOURCE_MAPS=1 turns the mapping back on.
if (process.env["TDP_SOURCE_MAPS"] !== "1") {
  process.setSourceMapsEnabled(false);
}
