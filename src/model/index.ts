export * from "./item.js";
export * from "./library.js";
export * from "./playlist.js";
export * from "./snapshot.js";
export * from "./source.js";
export * from "./state.js";
export * from "./target.js";
export * from "./user.js";
