export {
  causalTimeline,
  formatEntry,
  summarisePayload,
  type ObservedMessage,
  type TimelineEntry,
} from './lib/timeline.js';
