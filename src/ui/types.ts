/**
 * Types the CLI shares with the Ink UI. Type-only: importing them (`import type`) loads neither Ink nor React, so
 * commands that never draw a live view stay fast.
 */

/** The streams Ink draws on and reads keys from, and whether to colour. Colour is decided by the caller. */
export interface UiOptions {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
  color: boolean;
}

/** What the plan view's header names: the account, who is asking, and which file is the desired state. */
export interface PlanHeader {
  account: string;
  callerArn: string;
  configFile: string;
}
