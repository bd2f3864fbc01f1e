import { Collection } from 'mongoose';
import { ServerSecretRepository } from '../ports';
import { isDuplicateKeyError } from './mongo.mapping';

/** A document of `server_secrets`: `_id` is the secret's name. */
export interface ServerSecretDocument {
  _id: string;
  value: string;
  createdAt: string;
}

export class MongoServerSecretRepository extends ServerSecretRepository {
  constructor(private readonly secrets: Collection<ServerSecretDocument>) {
    super();
  }

  async getOrCreate(name: string, create: () => string | Promise<string>): Promise<string> {
    const stored = await this.secrets.findOne({ _id: name });
    if (stored) return stored.value;
    const value = await create();
    let doc: ServerSecretDocument | null;
    try {
      // $setOnInsert: the first replica to get here stores its value; the others read that one back.
      doc = await this.secrets.findOneAndUpdate(
        { _id: name },
        { $setOnInsert: { value, createdAt: new Date().toISOString() } },
        { upsert: true, returnDocument: 'after' },
      );
    } catch (error) {
      // Two upserts racing on one _id: the loser may get a duplicate key error; the document exists now.
      if (!isDuplicateKeyError(error)) throw error;
      doc = await this.secrets.findOne({ _id: name });
    }
    if (!doc) throw new Error(`server secret "${name}" could not be stored`);
    return doc.value;
  }
}
