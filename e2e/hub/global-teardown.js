// @ts-check
module.exports = require('./support/run').tearDown;
