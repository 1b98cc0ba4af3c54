import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const SUBSCRIBER_STATUSES = ['subscribed', 'pending', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

/**
 * A contact (FluentCRM's `fc_subscribers`). E-mail is unique case-insensitively (see the migration).
 * bigint columns are strings here, as pg returns them; the API's records turn them into numbers.
 */
@Entity({ name: 'fc_subscribers' })
export class Subscriber {
  @PrimaryGeneratedColumn({ type: 'bigint', name: 'id' })
  id: string;

  @Column({ type: 'bigint', name: 'user_id', nullable: true })
  user_id: string | null;

  @Column({ type: 'varchar', name: 'email', length: 190 })
  email: string;

  @Column({ type: 'varchar', name: 'first_name', length: 192, nullable: true })
  first_name: string | null;

  @Column({ type: 'varchar', name: 'last_name', length: 192, nullable: true })
  last_name: string | null;

  @Column({ type: 'varchar', name: 'status', length: 50, default: 'subscribed' })
  status: SubscriberStatus;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updated_at: Date;
}
