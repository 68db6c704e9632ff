/**
 * Jest's Node environment, plus the real `process` as the global `realProcess`. Tests get a copy
 * of `process` whose listeners Node never calls, so a test that spies on 'unhandledRejection'
 * (events-after-commit.test.ts) listens on the real one.
 */
'use strict';

const { TestEnvironment } = require('jest-environment-node');

class RealProcessEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.realProcess = process;
  }
}

module.exports = RealProcessEnvironment;
