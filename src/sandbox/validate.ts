import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import type { TargetKind } from "../model/index.js";
import { badRequest, type HttpError, invalid } from "./http-error.js";
import { parseGuid } from "./ids.js";
import { loadOpenApiExtract } from "./openapi/index.js";
import type { QueryParams } from "./query.js";

/**
 * Holds a personality to its OpenAPI extract (src/sandbox/openapi, made by
 * scripts/extract-openapi.mjs): request parameters and bodies are bound the way the real
 * server binds them (rejecting what it rejects), and responses are checked against the schema.
 */

interface ParameterSpec {
  name: string;
  in: string;
  required: boolean;
  schema: Record<string, unknown>;
}

export interface OperationSpec {
  operationId: string;
  parameters: ParameterSpec[];
  requestBody: { required: boolean; schema: unknown; contentTypes: string[] } | null;
  responses: Record<string, { schema: unknown }>;
}

interface Extract {
  source: string;
  operations: Record<string, OperationSpec>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const AUTH_PARAMS = new Set(["api_key", "apikey"]);

export interface RequestCheck {
  rejection?: HttpError;
  violations: string[];
  body: unknown;
}

const shared = new Map<string, Promise<SpecValidator>>();

export class SpecValidator {
  /** One validator per extract, shared by every sandbox (compiled schemas are reused). */
  static for(spec: string, kind: TargetKind): Promise<SpecValidator> {
    let validator = shared.get(spec);
    if (!validator) {
      validator = loadOpenApiExtract(spec).then((extract) => new SpecValidator(extract as Extract, kind));
      shared.set(spec, validator);
    }
    return validator;
  }

  private readonly extract: Extract;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    extract: Extract,
    private readonly kind: TargetKind,
  ) {
    this.extract = extract;
    this.ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true, validateFormats: true });
    addFormats(this.ajv);
    // Guid.Parse takes the N form ("32 hex") as well as the dashed one; Jellyfin writes N.
    for (const format of ["uuid", "guid"])
      this.ajv.addFormat(format, (text: string) => parseGuid(text) !== null);
    for (const format of ["text", "binary", "byte"]) this.ajv.addFormat(format, true);
    this.ajv.addSchema({ $id: "openapi", components: this.extract.components });
  }

  operation(key: string): OperationSpec | undefined {
    return this.extract.operations[key];
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let fn = this.compiled.get(key);
    if (!fn) {
      const text = JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/');
      fn = this.ajv.compile(JSON.parse(text) as object);
      this.compiled.set(key, fn);
    }
    return fn;
  }

  private resolve(schema: Record<string, unknown>): Record<string, unknown> {
    let current = schema;
    for (let depth = 0; depth < 5; depth++) {
      const ref = current.$ref;
      if (typeof ref === "string") {
        current = this.extract.components.schemas[ref.replace("#/components/schemas/", "")] ?? {};
        continue;
      }
      const allOf = current.allOf as Record<string, unknown>[] | undefined;
      if (allOf?.length === 1) {
        current = allOf[0]!;
        continue;
      }
      const anyOf = current.anyOf as Record<string, unknown>[] | undefined;
      if (anyOf) {
        current = anyOf.find((s) => s.type !== "null") ?? {};
        continue;
      }
      break;
    }
    return current;
  }

  private fail(name: string, message: string): HttpError {
    return this.kind === "jellyfin" ? invalid(name, message) : badRequest(message);
  }

  /** Checks one scalar value against its (resolved) schema; returns an error text or null. */
  private scalarError(schema: Record<string, unknown>, value: string): string | null {
    const resolved = this.resolve(schema);
    const type = Array.isArray(resolved.type) ? resolved.type.find((t) => t !== "null") : resolved.type;
    if (resolved.format === "uuid" && parseGuid(value) === null) return `The value '${value}' is not valid.`;
    if (type === "integer" && !/^-?\d+$/.test(value)) return `The value '${value}' is not valid.`;
    if (type === "number" && Number.isNaN(Number(value))) return `The value '${value}' is not valid.`;
    if (type === "boolean" && !/^(true|false)$/i.test(value)) return `The value '${value}' is not valid.`;
    if (
      Array.isArray(resolved.enum) &&
      !resolved.enum.some((e) => String(e).toLowerCase() === value.toLowerCase())
    ) {
      return `The value '${value}' is not valid.`;
    }
    return null;
  }

  checkRequest(
    key: string,
    routeParams: Record<string, string>,
    query: QueryParams,
    body: unknown,
    hasBody: boolean,
    headers: Record<string, string | string[] | undefined> = {},
    extraParams: readonly string[] = [],
  ): RequestCheck {
    const op = this.operation(key);
    const violations: string[] = [];
    if (!op) return { violations: [`${key}: no such operation in the ${this.extract.source} extract`], body };
    const known = new Set(
      [...op.parameters.map((p) => p.name), ...extraParams].map((name) => name.toLowerCase()),
    );
    for (const name of query.names) {
      const lower = name.toLowerCase();
      if (!known.has(lower) && !AUTH_PARAMS.has(lower) && routeParams[lower] === undefined) {
        violations.push(
          `${key}: query parameter "${name}" is not part of the operation (the server ignores it)`,
        );
      }
    }
    for (const spec of op.parameters) {
      const lower = spec.name.toLowerCase();
      if (spec.in === "header") {
        // Emby requires X-Emby-Authorization on login; the same dictionary in Authorization is
        // what third-party clients send successfully (target-apis §2.1), so either satisfies it.
        const present =
          headers[lower] !== undefined ||
          (lower === "x-emby-authorization" && headers.authorization !== undefined);
        if (spec.required && !present) {
          const rejection = this.fail(spec.name, `The ${spec.name} header is required.`);
          return {
            rejection,
            violations: [...violations, `${key}: required header "${spec.name}" missing`],
            body,
          };
        }
        continue;
      }
      const fromRoute = routeParams[lower];
      const present = fromRoute !== undefined || query.has(spec.name);
      if (!present || (fromRoute === undefined && query.get(spec.name) === "")) {
        if (spec.required) {
          const rejection = this.fail(spec.name, `The ${spec.name} field is required.`);
          return {
            rejection,
            violations: [...violations, `${key}: required parameter "${spec.name}" missing`],
            body,
          };
        }
        continue;
      }
      const schema = spec.schema;
      if (fromRoute === undefined && schema.type === "array") {
        const items = (schema.items ?? {}) as Record<string, unknown>;
        const values = query.list(spec.name);
        const enumItems = Array.isArray(this.resolve(items).enum);
        const kept: string[] = [];
        for (const value of values) {
          const error = this.scalarError(items, value);
          if (error === null) kept.push(value);
          else if (enumItems && this.kind === "jellyfin") {
            // Jellyfin's CommaDelimitedCollectionModelBinder drops unparseable enum values silently.
            violations.push(`${key}: "${value}" is not a valid ${spec.name} value (the server drops it)`);
          } else {
            return {
              rejection: this.fail(spec.name, error),
              violations: [...violations, `${key}: ${spec.name}: ${error}`],
              body,
            };
          }
        }
        if (kept.length !== values.length) query.replace(spec.name, kept);
        continue;
      }
      const value = fromRoute ?? query.get(spec.name)!;
      const error = this.scalarError(schema, value);
      if (error !== null) {
        return {
          rejection: this.fail(spec.name, error),
          violations: [...violations, `${key}: ${spec.name}: ${error}`],
          body,
        };
      }
    }
    let checkedBody = body;
    if (op.requestBody) {
      if (!hasBody) {
        if (op.requestBody.required) {
          const rejection = this.fail("", "A non-empty request body is required.");
          return { rejection, violations: [...violations, `${key}: request body missing`], body };
        }
      } else if (op.requestBody.schema) {
        if (this.kind === "jellyfin")
          checkedBody = this.normalizeKeys(op.requestBody.schema as Record<string, unknown>, body);
        const validate = this.validator(`${key} body`, op.requestBody.schema);
        if (!validate(checkedBody)) {
          const errors = validate.errors ?? [];
          const lines = errors.map((e) => `${key} body${e.instancePath}: ${e.message}`);
          // System.Text.Json ignores unknown properties; type errors fail model binding (400).
          const fatal = errors.some((e) => e.keyword !== "additionalProperties");
          if (fatal)
            return {
              rejection: this.fail("body", lines.join("; ")),
              violations: [...violations, ...lines],
              body,
            };
          violations.push(...lines);
        }
      }
    } else if (hasBody && this.kind === "jellyfin") {
      violations.push(`${key}: a request body was sent but the operation takes none`);
    }
    return { violations, body: checkedBody };
  }

  /**
   * ASP.NET reads bodies case-insensitively and (JsonNumberHandling.AllowReadingFromString)
   * takes numbers written as strings: rename top-level keys to the schema's spelling and turn
   * numeric strings of number fields into numbers, as the server's binder would.
   */
  private normalizeKeys(schema: Record<string, unknown>, body: unknown): unknown {
    if (!body || typeof body !== "object" || Array.isArray(body)) return body;
    const properties = (this.resolve(schema).properties ?? {}) as Record<string, Record<string, unknown>>;
    const names = new Map(Object.keys(properties).map((name) => [name.toLowerCase(), name]));
    return Object.fromEntries(
      Object.entries(body).map(([key, value]) => {
        const name = names.get(key.toLowerCase()) ?? key;
        const property = properties[name];
        if (property && typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) {
          const resolved = this.resolve(property);
          const types = Array.isArray(resolved.type) ? resolved.type : [resolved.type];
          if (types.includes("integer") || types.includes("number")) return [name, Number(value)];
        }
        return [name, value];
      }),
    );
  }

  /** Emby documents void operations as "200, empty response" where Jellyfin answers 204. */
  voidStatus(key: string): number {
    const responses = this.operation(key)?.responses ?? {};
    return responses["204"] === undefined && responses["200"] !== undefined ? 200 : 204;
  }

  checkResponse(key: string, status: number, json: unknown, override?: unknown): string[] {
    const op = this.operation(key);
    if (!op) return [];
    if (status >= 300) return [];
    const documented = op.responses[String(status)];
    const schema = override ?? documented?.schema;
    if (!documented && override === undefined)
      return [`${key}: status ${status} is not a documented response`];
    if (!schema || json === undefined) return [];
    const validate = this.validator(`${key} ${status} ${override ? "override" : ""}`, schema);
    if (validate(json)) return [];
    return (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${key} response ${status}${e.instancePath}: ${e.message}`);
  }
}
