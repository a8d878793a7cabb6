/** Scenario layer: loading, validation, profiles, sweep expansion and sharding. */
export * from './types.js';
export { ScenarioError } from './errors.js';
export { loadScenario, validateScenario, LIMITS, TYPE_FIELDS, SETTABLE_PATHS } from './load.js';
export { loadProfile, listProfiles, applyProfileOverrides, BUILTIN_PROFILE_DIR, PACKAGE_ROOT, type ProfileListing } from './profiles.js';
export { parseRange, expandPoints, expandWorkloads, countWorkloads, shardPoints, parseShard, type Shard } from './sweep.js';
