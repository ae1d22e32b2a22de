// The script-tag build: `window.OFConnect`, `<of-connect>` and
// `window.OnlyFansAPI.Auth`, defined at once.
import { OFConnect } from "./ofconnect.js";

window.OFConnect ??= OFConnect;
