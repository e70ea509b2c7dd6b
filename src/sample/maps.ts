/**
 * The options a person would pass to migrate the sample's Plex library (./plex.ts) onto its
 * target library (./target.ts): where the files moved, and who is who.
 */
export const DEMO_PATH_MAP = [
  { from: "/data/media/movies", to: "/media/movies" },
  { from: "D:\\Media\\Old Movies", to: "/media/old-movies" },
  { from: "/data/media/tv", to: "/media/tv" },
  { from: "/mnt/archive/tv", to: "/media/tv" },
  { from: "/data/media/music", to: "/media/music" },
];

export const DEMO_USER_MAP = [
  { from: "plexowner", to: "admin" },
  { from: "alex.friend", to: "Alex" },
];
