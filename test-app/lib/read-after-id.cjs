'use strict';

// Reads the `after` query parameter of GET /users (list users with a larger id).
// Pure: returns the id, or an error message naming the parameter.

function readAfterId(raw) {
  if (raw === undefined || raw === '') return { afterId: 0 };
  const text = Array.isArray(raw) ? String(raw[0]) : String(raw);
  if (/^\d{1,10}$/.test(text) && Number(text) <= 4294967295) return { afterId: Number(text) };
  return { error: `query parameter after=${JSON.stringify(text)} must be a user id (a whole number from 0 to 4294967295)` };
}

module.exports = { readAfterId };
