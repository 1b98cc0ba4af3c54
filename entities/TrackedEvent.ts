import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Subscriber } from './Subscriber';

/**
 * One tracked event per (contact, event_key, title), compared case-insensitively; repeats raise
 * `counter` (FluentCRM's `fc_event_tracking`). The unique expression index lives in the migration.
 */
@Entity({ name: 'fc_event_tracking' })
export class TrackedEvent {
  @PrimaryGeneratedColumn({ type: 'bigint', name: 'id' })
  id: string;

  @Column({ type: 'bigint', name: 'subscriber_id' })
  subscriber_id: string;

  @ManyToOne(() => Subscriber, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'subscriber_id' })
  subscriber?: Subscriber;

  @Column({ type: 'integer', name: 'counter', default: 1 })
  counter: number;

  @Column({ type: 'bigint', name: 'created_by', nullable: true })
  created_by: string | null;

  @Column({ type: 'varchar', name: 'provider', length: 50, default: 'custom' })
  provider: string;

  @Column({ type: 'varchar', name: 'event_key', length: 192 })
  event_key: string;

  @Column({ type: 'varchar', name: 'title', length: 192 })
  title: string;

  @Column({ type: 'text', name: 'value', default: '' })
  value: string;

  @Column({ type: 'timestamptz', name: 'created_at', default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', name: 'updated_at', default: () => 'now()' })
  updated_at: Date;
}
