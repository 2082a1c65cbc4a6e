export * as timestamp from './timestamp/calls'
