import http from "node:http";
import https from "node:https";
import { ResponseContext, SelfDecodingBody, wrapHttpLibrary, type HttpLibrary } from "@kubernetes/client-node";
import { currentLimits } from "../util/limits.js";

/** A request to the cluster stopped at a bound: too slow, or a response too large. */
export class ClusterBoundError extends Error {
  constructor(
    readonly bound: "time" | "size",
    message: string,
  ) {
    super(message);
  }
}

export interface HttpBounds {
  /** Per request, from sending it to the last byte of the response. */
  timeoutMs: number;
  /** Bytes of one response body. */
  maxBytes: number;
}

/** `--limit cluster-time` and `--limit cluster-response` of the run, unless a caller sets its own timeout. */
export function clusterBounds(timeoutMs?: number): HttpBounds {
  const limits = currentLimits();
  return { timeoutMs: timeoutMs ?? limits.clusterTimeMs, maxBytes: limits.clusterResponseBytes };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Header names and values in the order received (repeated headers such as `Warning` kept apart). */
  rawHeaders: string[];
  body: Buffer;
}

/**
 * Every request to one cluster goes through here, bounded as the cluster's own client libraries
 * are not: a request that has not completed in time (a server that never answers, or drips its
 * answer), or whose response grows past the size bound, is aborted and its socket destroyed, so
 * nothing keeps the process alive after it. `abortAll` ends what is still in flight once the run
 * is over (one request failed).
 */
export class BoundedRequests {
  private readonly inFlight = new Set<http.ClientRequest>();

  constructor(readonly bounds: HttpBounds) {}

  send(url: URL, options: https.RequestOptions, body: string | undefined): Promise<RawResponse> {
    const { bounds, inFlight } = this;
    return new Promise((resolve, reject) => {
      const transport = url.protocol === "http:" ? http : https;
      let settled = false;
      const settle = (): void => {
        settled = true;
        clearTimeout(timer);
        inFlight.delete(outgoing);
      };
      const fail = (error: Error): void => {
        if (settled) return;
        settle();
        reject(error);
      };
      const outgoing = transport.request(url, options, (response) => {
        const tooLarge = (): void => {
          outgoing.destroy(new ClusterBoundError("size", `its response is larger than ${bounds.maxBytes} bytes and was cut off (--limit cluster-response)`));
        };
        if (Number(response.headers["content-length"] ?? 0) > bounds.maxBytes) {
          tooLarge();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > bounds.maxBytes) tooLarge();
          else chunks.push(chunk);
        });
        response.on("error", fail);
        response.on("end", () => {
          if (settled) return;
          settle();
          resolve({ status: response.statusCode ?? 0, headers: response.headers, rawHeaders: response.rawHeaders, body: Buffer.concat(chunks) });
        });
      });
      const timer = setTimeout(
        () => outgoing.destroy(new ClusterBoundError("time", `it did not complete within ${bounds.timeoutMs / 1000} s and was aborted (--limit cluster-time)`)),
        bounds.timeoutMs,
      );
      inFlight.add(outgoing);
      outgoing.on("error", fail);
      outgoing.end(body);
    });
  }

  /** Aborts every request still in flight (after one failed, the others are not waited for). */
  abortAll(): void {
    for (const request of this.inFlight) request.destroy(new Error("aborted: another request to the cluster failed"));
  }
}

/** The HTTP transport of @kubernetes/client-node over {@link BoundedRequests}; the agent the client prepares (TLS material, proxy) is used as it is. */
export function boundedHttpLibrary(requests: BoundedRequests): HttpLibrary {
  return wrapHttpLibrary({
    send: async (request) => {
      const body = request.getBody();
      if (body !== undefined && typeof body !== "string") throw new Error("the cluster client sends no request bodies but strings");
      const agent = request.getAgent();
      const response = await requests.send(new URL(request.getUrl()), { method: request.getHttpMethod(), headers: request.getHeaders(), ...(agent === undefined ? {} : { agent }) }, body);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : (value ?? "");
      return new ResponseContext(response.status, headers, new SelfDecodingBody(Promise.resolve(response.body)));
    },
  });
}
