export { fetchTransport, KeepAliveTransport, type HttpRequest, type HttpResponse, type HttpTransport } from '@dtx/util';
export {
  ShopApiError,
  ShopClient,
  ShopContractError,
  type PlacedOrder,
  type PlaceOrderOptions,
  type RawAnswer,
  type RequestOptions,
  type ShopClientOptions,
  type ShopService,
  type ShopUrls,
} from './lib/shop-client.js';
export { fixedCredentials, issuedCredentials, type ShopCredentials, type TokenIssuer } from './lib/credentials.js';
