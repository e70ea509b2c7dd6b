export { addTautulliHistory } from "./merge.js";
export { readTautulliHistory, type TautulliOptions, type TautulliPlay } from "./reader.js";
