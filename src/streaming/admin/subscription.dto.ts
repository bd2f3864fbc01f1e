import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
} from 'class-validator';

/** Longest retry window (maxRetryHours): 30 days, what a journal retention of 30 days can still replay. */
export const MAX_RETRY_HOURS = 720;
export const DEFAULT_MAX_RETRY_HOURS = 72;
/** Longest grace period of a rotated secret: 7 days (like token rotation). */
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;

const DELIVERY_SCHEMA: Pick<ApiPropertyOptions, 'oneOf'> = {
  oneOf: [
    {
      type: 'object',
      required: ['method', 'url'],
      properties: {
        method: { type: 'string', enum: ['webhook'] },
        url: { type: 'string', example: 'https://hooks.example.com/scim' },
        maxBatchSize: {
          type: 'integer',
          minimum: 1,
          maximum: 1000,
          description: '> 1: {"events": [...]} bodies',
        },
        timeoutMs: { type: 'integer', minimum: 100, maximum: 60000, default: 10000 },
      },
    },
    { type: 'object', required: ['method'], properties: { method: { type: 'string', enum: ['sse'] } } },
    {
      type: 'object',
      required: ['method'],
      properties: {
        method: { type: 'string', enum: ['nats'] },
        subject: { type: 'string', description: 'default scim.<tenant>.<resourceType>.<type>' },
      },
    },
    {
      type: 'object',
      required: ['method', 'url'],
      description: 'RFC 8935 push of RFC 9967 Security Event Tokens',
      properties: {
        method: { type: 'string', enum: ['push'] },
        url: { type: 'string', example: 'https://receiver.example.com/events' },
        format: { type: 'string', enum: ['full', 'notice'], default: 'full' },
        audience: { type: 'string', description: 'aud of the SETs (default <issuer>/streams/<id>)' },
        authorizationHeader: {
          type: 'string',
          description: 'Sent as Authorization on every push; kept encrypted, never shown',
        },
        timeoutMs: { type: 'integer', minimum: 100, maximum: 60000, default: 10000 },
      },
    },
    {
      type: 'object',
      required: ['method'],
      description: 'RFC 8936 poll of RFC 9967 Security Event Tokens (POST /sets/poll/{id} with the token)',
      properties: {
        method: { type: 'string', enum: ['poll'] },
        format: { type: 'string', enum: ['full', 'notice'], default: 'full' },
        audience: { type: 'string' },
      },
    },
  ],
};

export class CreateSubscriptionDto {
  @ApiProperty({ example: 'HR sync' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ description: 'How events reach the consumer', ...DELIVERY_SCHEMA })
  @IsDefined()
  delivery!: unknown;

  @ApiPropertyOptional({
    description: 'Only these event types (all when absent)',
    example: ['user.deactivated'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  eventTypes?: string[];

  @ApiPropertyOptional({ description: 'Only events of these resource types', example: ['User', 'Group'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  resourceTypes?: string[];

  @ApiPropertyOptional({
    description: '"now" (default: events after this request), "earliest" (the oldest kept) or {"seq": n}',
    oneOf: [
      { type: 'string', enum: ['now', 'earliest'] },
      { type: 'object', properties: { seq: { type: 'integer' } } },
    ],
    example: 'now',
  })
  @IsOptional()
  startAt?: unknown;

  @ApiPropertyOptional({
    description: `Hours an event is retried before it is dead-lettered (0–${MAX_RETRY_HOURS}, default ${DEFAULT_MAX_RETRY_HOURS})`,
    example: 72,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_RETRY_HOURS)
  maxRetryHours?: number;
}

export class UpdateSubscriptionDto {
  @ApiPropertyOptional({ example: 'HR sync (prod)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: ['active', 'paused'], description: 'Pause or resume delivery' })
  @IsOptional()
  @IsIn(['active', 'paused'])
  state?: 'active' | 'paused';

  @ApiPropertyOptional({
    description: 'webhook only: a new target URL',
    example: 'https://hooks.example.com/v2',
  })
  @IsOptional()
  @IsString()
  url?: string;

  @ApiPropertyOptional({ description: 'webhook only', minimum: 1, maximum: 1000 })
  @IsOptional()
  maxBatchSize?: number;

  @ApiPropertyOptional({ enum: ['full', 'notice'], description: 'push and poll only: the SET format' })
  @IsOptional()
  @IsIn(['full', 'notice'])
  format?: 'full' | 'notice';

  @ApiPropertyOptional({ description: 'webhook only', minimum: 100, maximum: 60000 })
  @IsOptional()
  timeoutMs?: number;

  @ApiPropertyOptional({ description: 'Replaces the filter; null delivers every type again', nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  eventTypes?: string[] | null;

  @ApiPropertyOptional({
    description: 'Replaces the filter; null delivers every resource type',
    nullable: true,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  resourceTypes?: string[] | null;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_RETRY_HOURS })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_RETRY_HOURS)
  maxRetryHours?: number;
}

export class ReplayDto {
  @ApiProperty({
    description: 'The first seq to deliver again (the position becomes fromSeq - 1)',
    example: 1,
  })
  @IsInt()
  @Min(1)
  fromSeq!: number;
}

export class RotateSecretDto {
  @ApiPropertyOptional({
    description: `Seconds the old secret keeps signing (0–${MAX_GRACE_SECONDS}, default 86400)`,
    example: 86400,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_SECONDS)
  graceSeconds?: number;
}
