'use strict';

// Checks the JSON body of POST /users. Pure: returns either the user to insert
// or an error message naming the offending field.

const MAX_LENGTH = 255; // the VARCHAR size of the users table

function validateNewUser(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { error: 'the request body must be a JSON object {"name": "...", "email": "..."} sent with Content-Type: application/json' };
  }
  const user = {};
  for (const field of ['name', 'email']) {
    const value = body[field];
    if (typeof value !== 'string' || value.trim() === '') {
      return { error: `field "${field}" must be a non-empty string; got ${JSON.stringify(value === undefined ? null : value)}` };
    }
    if (value.length > MAX_LENGTH) {
      return { error: `field "${field}" is ${value.length} characters long; at most ${MAX_LENGTH} are allowed` };
    }
    user[field] = value.trim();
  }
  if (!user.email.includes('@')) {
    return { error: `field "email" must contain "@"; got ${JSON.stringify(user.email)}` };
  }
  return { user };
}

module.exports = { validateNewUser };
