// @ts-check
module.exports = require('./support/run').setUp;
