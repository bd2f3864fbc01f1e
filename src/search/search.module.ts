import { ResourcesModule } from '../resources/resources.module';
import { Module } from '@nestjs/common';
import { SearchController } from './search.controller';

@Module({
  imports: [ResourcesModule],
  controllers: [SearchController],
})
export class SearchModule {}
