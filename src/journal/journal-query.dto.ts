import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const JOURNAL_DEFAULT_LIMIT = 100;
export const JOURNAL_MAX_LIMIT = 1000;

const SINCE_MESSAGE = 'must be a whole number >= 0 (a sequence number)';
const LIMIT_MESSAGE = `must be a whole number between 1 and ${JOURNAL_MAX_LIMIT}`;

/** GET /admin/tenants/{id}/journal?since=&limit= (query strings, converted to numbers). */
export class JournalQueryDto {
  @ApiPropertyOptional({
    description: 'Return the entries after this sequence number (the previous answer’s nextSince)',
    default: 0,
    minimum: 0,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: SINCE_MESSAGE })
  @Min(0, { message: SINCE_MESSAGE })
  @Max(Number.MAX_SAFE_INTEGER, { message: SINCE_MESSAGE })
  since?: number;

  @ApiPropertyOptional({
    description: 'Most entries in one answer',
    default: JOURNAL_DEFAULT_LIMIT,
    minimum: 1,
    maximum: JOURNAL_MAX_LIMIT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: LIMIT_MESSAGE })
  @Min(1, { message: LIMIT_MESSAGE })
  @Max(JOURNAL_MAX_LIMIT, { message: LIMIT_MESSAGE })
  limit?: number;
}
