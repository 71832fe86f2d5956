import http from "node:http";
import https from "node:https";
import { ResponseContext, SelfDecodingBody, wrapHttpLibrary, type HttpLibrary, type RequestContext } from "@kubernetes/client-node";

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

export interface BoundedTransport {
  library: HttpLibrary;
  /** Aborts every request still in flight (after one failed, the others are not waited for). */
  abortAll(): void;
}

/**
 * The HTTP transport of @kubernetes/client-node for drift, with bounds its own transport lacks:
 * a request that has not completed in time, or whose response grows past the size bound, is
 * aborted and its socket destroyed (nothing keeps the process alive after it). The agent the
 * client prepares (TLS material, proxy) is used as it is.
 */
export function boundedHttpLibrary(bounds: HttpBounds): BoundedTransport {
  const inFlight = new Set<http.ClientRequest>();
  return {
    library: wrapHttpLibrary({ send: (request) => send(request, bounds, inFlight) }),
    abortAll: () => {
      for (const request of inFlight) request.destroy(new Error("aborted: another request to the cluster failed"));
    },
  };
}

function send(request: RequestContext, bounds: HttpBounds, inFlight: Set<http.ClientRequest>): Promise<ResponseContext> {
  return new Promise((resolve, reject) => {
    const url = new URL(request.getUrl());
    const body = request.getBody();
    const transport = url.protocol === "http:" ? http : https;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      inFlight.delete(outgoing);
      reject(error);
    };
    const outgoing = transport.request(
      url,
      { method: request.getHttpMethod(), headers: request.getHeaders(), ...(request.getAgent() === undefined ? {} : { agent: request.getAgent() }) },
      (response) => {
        const announced = Number(response.headers["content-length"] ?? 0);
        const tooLarge = () =>
          outgoing.destroy(new ClusterBoundError("size", `its response is larger than ${bounds.maxBytes} bytes and was cut off (--limit cluster-response)`));
        if (announced > bounds.maxBytes) {
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
          settled = true;
          clearTimeout(timer);
          inFlight.delete(outgoing);
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(response.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : (value ?? "");
          resolve(new ResponseContext(response.statusCode ?? 0, headers, new SelfDecodingBody(Promise.resolve(Buffer.concat(chunks)))));
        });
      },
    );
    const timer = setTimeout(
      () => outgoing.destroy(new ClusterBoundError("time", `it did not complete within ${bounds.timeoutMs / 1000} s and was aborted (--limit cluster-time)`)),
      bounds.timeoutMs,
    );
    inFlight.add(outgoing);
    outgoing.on("error", fail);
    if (typeof body === "string") outgoing.write(body);
    else if (body !== undefined) {
      fail(new Error("drift sends no request bodies but strings"));
      outgoing.destroy();
      return;
    }
    outgoing.end();
  });
}
