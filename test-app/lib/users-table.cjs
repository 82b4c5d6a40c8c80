'use strict';

// The SQL for the one table the app owns. Every value goes through a `?`
// placeholder, so the instrumented db.query.text never carries user data.

const CREATE_USERS_TABLE = `CREATE TABLE IF NOT EXISTS users (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  email VARCHAR(255) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
)`;

// LIMIT is a literal: MySQL 8 rejects numeric placeholders there in prepared statements.
const SELECT_USERS_AFTER_ID = 'SELECT id, name, email, created_at FROM users WHERE id > ? ORDER BY id LIMIT 100';

const INSERT_USER = 'INSERT INTO users (name, email) VALUES (?, ?)';

// Holds one pool connection for a while (GET /db/wait): the way to see the
// pool's used and pending connections move under load.
const SLEEP = 'SELECT SLEEP(?) AS slept';

async function holdConnection(pool, ms) {
  await pool.query(SLEEP, [ms / 1000]);
}

async function ensureUsersTable(pool) {
  await pool.query(CREATE_USERS_TABLE);
}

async function listUsersAfter(pool, afterId) {
  const [rows] = await pool.execute(SELECT_USERS_AFTER_ID, [afterId]);
  return rows;
}

async function insertUser(pool, user) {
  const [result] = await pool.execute(INSERT_USER, [user.name, user.email]);
  return { id: result.insertId, name: user.name, email: user.email };
}

module.exports = { ensureUsersTable, listUsersAfter, insertUser, holdConnection, CREATE_USERS_TABLE, SELECT_USERS_AFTER_ID, INSERT_USER };
