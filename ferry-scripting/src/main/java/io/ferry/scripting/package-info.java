/**
 * Filters written in JavaScript and in Lua: one object model for both languages, a sandbox without
 * files, network, processes or host classes, and a budget per transaction.
 */
package io.ferry.scripting;
