/** The subscription record is a store type (src/store/subscription.record.ts); streaming code imports it here. */
export * from '../store/subscription.record';
