// A bree job: runs in a worker thread, hashes the text it is given, posts the
// digest to the parent and ends.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');

parentPort.postMessage(createHash('sha256').update(workerData.text).digest('hex'));
