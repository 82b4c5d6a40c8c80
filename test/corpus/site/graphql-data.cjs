module.exports = {
  posts: [
    { id: 1, title: 'first post', views: 254, user_id: 123 },
    { id: 2, title: 'second post', views: 65, user_id: 456 },
  ],
  users: [
    { id: 123, name: 'ada' },
    { id: 456, name: 'grace' },
  ],
};
