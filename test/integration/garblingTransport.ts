/**
 * A real HTTP transport to the sandbox that can spoil OVH's answers the way a proxy or a broken connection does
 * on the way back: the request reaches the sandbox and is carried out, but the client gets a body it cannot read.
 * This is what real OVH users meet and the sandbox itself never produces.
 */
import {
  UndiciTransport,
  type OvhTransport,
  type TransportRequest,
  type TransportResponse,
} from "../../provider/ovh/transport";

/** An HTML page a reverse proxy might answer with, status unchanged. */
export const PROXY_PAGE = "<html><head><title>Gateway</title></head><body>Request processed.</body></html>";

export interface GarblingTransport extends OvhTransport {
  /** Spoils the answers of the next `times` requests that `match` (an HTML page, status unchanged). */
  garbleNext(match: (request: TransportRequest) => boolean, times?: number): void;
  /** Rewrites the answers of the next `times` requests that `match` (e.g. a field real OVH leaves empty). */
  rewriteNext(
    match: (request: TransportRequest) => boolean,
    rewrite: (answer: TransportResponse) => TransportResponse,
    times?: number,
  ): void;
  /** Answers the next `times` requests that `match` itself, WITHOUT sending them (a proxy turning them away). */
  answerNext(match: (request: TransportRequest) => boolean, answer: TransportResponse, times?: number): void;
  /** How many answers were spoiled or rewritten so far. */
  readonly garbled: number;
}

export function garblingTransport(caCertPath: string | undefined): GarblingTransport {
  const inner = new UndiciTransport(caCertPath ? { ca: caCertPath } : {});
  type Rewrite = (answer: TransportResponse) => TransportResponse;
  const rules: Array<{ match: (request: TransportRequest) => boolean; rewrite: Rewrite; left: number }> = [];
  const stops: Array<{
    match: (request: TransportRequest) => boolean;
    answer: TransportResponse;
    left: number;
  }> = [];
  const proxyPage: Rewrite = (answer) => ({
    ...answer,
    headers: { ...answer.headers, "content-type": "text/html" },
    body: PROXY_PAGE,
  });
  let garbled = 0;
  return {
    get garbled() {
      return garbled;
    },
    garbleNext(match, times = 1) {
      rules.push({ match, rewrite: proxyPage, left: times });
    },
    rewriteNext(match, rewrite, times = 1) {
      rules.push({ match, rewrite, left: times });
    },
    answerNext(match, answer, times = 1) {
      stops.push({ match, answer, left: times });
    },
    async send(request): Promise<TransportResponse> {
      const stop = stops.find((r) => r.left > 0 && r.match(request));
      if (stop) {
        stop.left -= 1;
        garbled += 1;
        return stop.answer;
      }
      const answer = await inner.send(request);
      const rule = rules.find((r) => r.left > 0 && r.match(request));
      if (!rule) return answer;
      rule.left -= 1;
      garbled += 1;
      return rule.rewrite(answer);
    },
    close: () => inner.close(),
  };
}
