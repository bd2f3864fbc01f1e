import { ResourcesModule } from '../resources/resources.module';
import { Module } from '@nestjs/common';
import { BulkController } from './bulk.controller';
import { BulkService } from './bulk.service';

@Module({
  imports: [ResourcesModule],
  controllers: [BulkController],
  providers: [BulkService],
})
export class BulkModule {}
