'use strict';

// CommonJS entry: loads express and mysql2 with require().
const express = require('express');
const mysql = require('mysql2/promise');
const { startServer } = require('./lib/start-server.cjs');

startServer({ express, mysql, variant: 'cjs' });
