// Prisma's CLI insists on a native engine path at start; with `engine: "js"` and driver
// adapters it never runs it. Pointing the engine variables here keeps it from downloading.
module.exports = {};
