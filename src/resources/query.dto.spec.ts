import { ArgumentMetadata } from '@nestjs/common';
import { ScimError } from '../scim/errors';
import { AttributesQueryDto, fullQueryValidation, ListQueryDto, ScimQueryValidationPipe } from './query.dto';

/** What a pipe answers: the value it passes on, or the SCIM error it throws. */
async function outcome(run: () => unknown): Promise<unknown> {
  try {
    return { passed: await run() };
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    return { status: error.status, scimType: error.scimType, detail: error.message };
  }
}

const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype });

const long = (n: number) => 'a'.repeat(n);
/** 4,097 UTF-16 units that class-validator's MaxLength counts as 2,049 characters (surrogate pairs). */
const astral = '😀'.repeat(2048) + 'a';

const QUERIES: Record<string, unknown>[] = [
  {},
  { attributes: 'userName,emails' },
  { filter: 'userName eq "a"', startIndex: '1', count: '100', sortBy: 'userName', sortOrder: 'descending' },
  { cursor: '', excludedAttributes: 'members' },
  { attributes: long(4096) },
  { attributes: long(4097) },
  { attributes: astral },
  { sortBy: long(1025), filter: long(100_000) },
  { attributes: ['a', 'b'] },
  { attributes: ['a', 'b'], count: ['1', '2'], sortBy: [long(2000)] },
  { count: 5 as unknown as string },
  { filter: null },
  { aadOptscim062020: 'anything', attributes: 'userName' },
  { aadOptscim062020: ['x', 'y'] },
];

describe(ScimQueryValidationPipe.name, () => {
  const sut = new ScimQueryValidationPipe();

  it.each(
    QUERIES.flatMap((q) => [ListQueryDto, AttributesQueryDto].map((dto) => [dto.name, q, dto] as const)),
  )('answers %s %j exactly as the class-validator ValidationPipe does', async (_name, value, dto) => {
    const expected = await outcome(() => fullQueryValidation.transform({ ...value }, query(dto)));

    await expect(outcome(() => sut.transform({ ...value }, query(dto)))).resolves.toEqual(expected);
  });

  it('passes a valid query on as it is, without the full pipe', async () => {
    const full = { transform: jest.fn() };
    const pipe = new ScimQueryValidationPipe(full as never);
    const value = { filter: 'userName eq "a"', count: '10' };

    expect(pipe.transform(value, query(ListQueryDto))).toBe(value);
    expect(full.transform).not.toHaveBeenCalled();
  });

  it('leaves what is not a query DTO to the full pipe (bodies, path parameters, classes without rules)', async () => {
    const full = { transform: jest.fn((v: unknown) => v) };
    const pipe = new ScimQueryValidationPipe(full as never);
    class Undecorated {}

    pipe.transform({ a: 1 }, { type: 'body', metatype: Object });
    pipe.transform('id', { type: 'param', metatype: String });
    pipe.transform({}, query(Undecorated));

    expect(full.transform).toHaveBeenCalledTimes(3);
  });

  it('refuses a parameter sent twice with the same 400 as before', async () => {
    await expect(outcome(() => sut.transform({ count: ['1', '2'] }, query(ListQueryDto)))).resolves.toEqual({
      status: 400,
      scimType: 'invalidValue',
      detail: 'Invalid query parameter: count: count must be a string',
    });
  });
});
