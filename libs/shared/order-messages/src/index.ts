export { BUSINESS_TOPICS, observe, orderMessageTopics, readOrderMessages } from './lib/order-messages.js';
export {
  OrderMessageIndex,
  type IndexedOrder,
  type OrderMessageIndexOptions,
  type OrderMessageIndexStatus,
} from './lib/order-message-index.js';
