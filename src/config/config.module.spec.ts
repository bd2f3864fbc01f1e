import { Test } from '@nestjs/testing';
import { AppConfig } from './app-config';
import { ConfigModule } from './config.module';
import { ConfigError } from './load-config';

describe(ConfigModule.name, () => {
  it('provides AppConfig globally with the overrides applied', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ port: 4321, scimToken: undefined })],
    }).compile();

    const sut = moduleRef.get(AppConfig);

    expect(sut.port).toBe(4321);
    expect(sut).toBeInstanceOf(AppConfig);
  });

  it('fails fast on invalid overrides', () => {
    expect(() => ConfigModule.forRoot({ port: 0 })).toThrow(ConfigError);
  });
});
