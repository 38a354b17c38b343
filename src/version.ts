import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './engine/package_root.js';

/** Engine version, from package.json: recorded in every report so a run can be replayed. */
export const ENGINE_VERSION: string = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version;
