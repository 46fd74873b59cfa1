/**
 * Parses a large desired-state file off the main thread. YAML parsing makes a great deal of short-lived garbage;
 * in a worker with a small young generation that garbage costs the process tens of MB less peak memory, and it is
 * all returned when the worker ends. The result is plain data (a `LoadResult`), cloned back to the caller.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseFullConfig } from './load.js';

const { source, file } = workerData as { source: string; file: string };
// the main thread has already found that the plain reader declines this file
parentPort?.postMessage(parseFullConfig(source, file));
