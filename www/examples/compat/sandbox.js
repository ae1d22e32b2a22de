// Only for the sandbox: point the @onlyfansapi/auth functions at it.
import { configureCompat } from "/npm/ofconnect/index.js";

const { linkOrigin } = await (await fetch("/api/config")).json();
configureCompat({ linkOrigin });
document.getElementById("sandbox").textContent = `Provider: the sandbox at ${linkOrigin}`;
