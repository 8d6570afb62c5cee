// Loaded once per mocha process (.mocharc.json `require`): installs the offline engine before any
// test imports a program, so every test shares one set of mocks.
import { offline } from "./engine";

offline.install();
